builtins.hashFile "md5" "relative"

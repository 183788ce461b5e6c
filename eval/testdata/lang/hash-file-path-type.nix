builtins.hashFile "md5" 1

builtins.hashFile "md5" ./does-not-exist

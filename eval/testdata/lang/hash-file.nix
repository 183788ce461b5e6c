with builtins; map (a: hashFile a ./hash-file.nix) [ "md5" "sha1" "sha256" "sha512" ] ++ [ (hashFile "md5" "${toString ./hash-file.nix}") ]

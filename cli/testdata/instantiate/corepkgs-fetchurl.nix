[
  (import <nix/fetchurl.nix> { url = "http://example.org/x.tar.gz"; sha256 = "0c7gcr1b1n6a4cf2ppkxm5i3x2c0hzj1jzjvhfnr8x9cyhhbxy5g"; })
  (import <nix/fetchurl.nix> { url = "http://example.org/y"; hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; executable = true; })
  (import <nix/fetchurl.nix> { url = "http://example.org/z.zip"; sha1 = "0000000000000000000000000000000000000000"; unpack = true; name = "zed"; })
]

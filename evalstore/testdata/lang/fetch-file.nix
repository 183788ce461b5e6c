{
  plain = builtins.fetchurl "file://${toString ./src/file}";
  named = builtins.fetchurl { url = "file://${toString ./src/file}"; name = "renamed"; };
  hashed = builtins.fetchurl { url = "file://${toString ./src/file}"; sha256 = "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="; };
  ctx = builtins.getContext (builtins.fetchurl "file://${toString ./src/file}");
}

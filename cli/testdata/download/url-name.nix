builtins.fetchurl { url = "@URL@/file.txt"; name = "renamed"; }

# readFile follows symlinks, also in ancestors, and canonicalises strings.
{
  plain = builtins.readFile ./paths-data/file;
  link = builtins.readFile ./paths-data/link;
  inner = builtins.readFile ./paths-data/dirlink/inner;
  uplink = builtins.readFile ./paths-data/sub/uplink;
  str = builtins.readFile "${toString ./paths-data}/sub/../file";
  outPath = builtins.readFile { outPath = toString ./paths-data/file; };
  toStr = builtins.readFile { __toString = self: toString ./paths-data/file; };
  hasCtx = builtins.hasContext (builtins.readFile ./paths-data/file);
}

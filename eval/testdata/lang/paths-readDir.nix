{
  top = builtins.readDir ./paths-data;
  sub = builtins.readDir ./paths-data/sub;
  viaLink = builtins.readDir ./paths-data/dirlink;
  str = builtins.readDir "${toString ./paths-data}/sub/";
}

{
  all = builtins.filterSource (p: t: true) ./src;
  none = builtins.filterSource (p: t: false) ./src;
  noLinks = builtins.filterSource (p: t: t != "symlink") ./src;
  str = builtins.filterSource (p: t: true) (toString ./src);
  ctx = builtins.getContext (builtins.filterSource (p: t: true) ./src);
}

# The names of builtins, constants (true, false, null) included.
{
  names = builtins.attrNames builtins;
  constants = [ builtins.true builtins.false builtins.null ];
  self = builtins.builtins.builtins == builtins;
}

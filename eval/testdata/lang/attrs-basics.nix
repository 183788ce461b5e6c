let
  s = { b = 1; a = 2; "c d" = 3; "" = 4; A = 5; zz = 6; a1 = 7; };
  f = { x, y ? 1, ... }: x;
in
{
  attrNames = builtins.attrNames s;
  attrValues = builtins.attrValues s;
  attrNamesEmpty = builtins.attrNames { };
  getAttr = builtins.getAttr "c d" s;
  hasAttr = builtins.hasAttr "a" s;
  hasAttrNot = builtins.hasAttr "q" s;
  removeAttrs = builtins.removeAttrs s [ "a" "zz" "nope" "a" ];
  removeNothing = builtins.removeAttrs s [ ];
  intersect = builtins.intersectAttrs { a = 0; zz = 0; q = 0; } s;
  intersect2 = builtins.intersectAttrs s { a = 0; zz = 0; q = 0; };
  mapAttrs = builtins.mapAttrs (n: v: [ n v ]) s;
  mapAttrsLazy = builtins.attrNames (builtins.mapAttrs (n: v: throw "no") s);
  functionArgs = builtins.functionArgs f;
  functionArgsPlain = builtins.functionArgs (x: x);
  functionArgsPrimop = builtins.functionArgs builtins.add;
  functionArgsPrimopApp = builtins.functionArgs (builtins.add 1);
  pos = builtins.unsafeGetAttrPos "b" s;
  posMissing = builtins.unsafeGetAttrPos "q" s;
  posFormal = builtins.unsafeGetAttrPos "y" (builtins.functionArgs f);
  posMapped = builtins.unsafeGetAttrPos "a" (builtins.mapAttrs (n: v: v) s);
  posListToAttrs = builtins.unsafeGetAttrPos "a" (builtins.listToAttrs [ { name = "a"; value = 1; } ]);
  posIntersect = builtins.unsafeGetAttrPos "a" (builtins.intersectAttrs { a = 0; } s);
}

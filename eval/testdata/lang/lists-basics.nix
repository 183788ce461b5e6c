let
  inc = x: x + 1;
  xs = builtins.genList (i: i * 3 - 7) 20;
in
{
  map = map inc [ 1 2 3 ];
  mapEmpty = map throw [ ];
  filter = builtins.filter (x: x > 0) xs;
  filterAll = builtins.filter (x: true) xs;
  filterNone = builtins.filter (x: false) xs;
  foldl = builtins.foldl' (acc: x: acc + x) 0 xs;
  foldlEmpty = builtins.foldl' throw 42 [ ];
  foldlList = builtins.foldl' (acc: x: [ x ] ++ acc) [ ] [ 1 2 3 ];
  elemAt = builtins.elemAt xs 4;
  head = builtins.head xs;
  tail = builtins.tail [ 1 2 3 ];
  tailOne = builtins.tail [ 1 ];
  length = builtins.length xs;
  genList = builtins.genList (i: i * i) 5;
  genListZero = builtins.genList throw 0;
  lazyGenList = builtins.length (builtins.genList (i: throw "no") 3);
  lazyMap = builtins.length (map (i: throw "no") [ 1 2 ]);
  concatLists = builtins.concatLists [ [ 1 ] [ ] [ 2 3 ] [ [ 4 ] ] ];
  concatListsEmpty = builtins.concatLists [ ];
  concatMap = builtins.concatMap (x: [ x x ]) [ 1 2 3 ];
  any = builtins.any (x: x > 10) xs;
  anyEmpty = builtins.any throw [ ];
  all = builtins.all (x: x > -10) xs;
  allFalse = builtins.all (x: x < 0) xs;
  anyShort = builtins.any (x: if x == 1 then true else throw "late") [ 1 2 ];
  elem = builtins.elem 5 xs;
  elemNot = builtins.elem 6 xs;
  elemList = builtins.elem [ 1 ] [ [ 2 ] [ 1 ] ];
  elemSame = let f = x: x; in [ (builtins.elem f [ f ]) (builtins.elem (x: x) [ f ]) ];
  elemFloat = builtins.elem 2.0 [ 1 2 ];
  partition = builtins.partition (x: x > 3) [ 1 5 2 6 3 7 ];
  partitionEmpty = builtins.partition throw [ ];
  groupBy = builtins.groupBy (x: if x > 3 then "big" else "small") [ 1 5 2 6 3 7 ];
  groupByEmpty = builtins.groupBy throw [ ];
  listToAttrs = builtins.listToAttrs [
    { name = "a"; value = 1; }
    { name = "b"; value = 2; }
    { name = "a"; value = 3; }
    { name = "${"c"}"; value = 4; extra = true; }
  ];
  listToAttrsEmpty = builtins.listToAttrs [ ];
  zipAttrsWith = builtins.zipAttrsWith (n: v: { inherit n v; }) [
    { a = 1; b = 2; }
    { b = 3; c = 4; }
    { }
    { a = 5; }
  ];
  catAttrs = builtins.catAttrs "a" [ { a = 1; } { b = 2; } { a = 3; } ];
  catAttrsNone = builtins.catAttrs "z" [ { a = 1; } ];
  tailShared = let l = [ 1 2 3 ]; in builtins.tail l == [ 2 3 ];
}

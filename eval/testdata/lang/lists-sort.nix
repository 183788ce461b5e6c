let
  xs = [ 5 3 9 1 5 7 2 8 6 4 0 11 15 13 12 14 10 19 17 18 16 ];
  big = builtins.genList (i: (i * 37 + 11) - (i * 37 + 11) / 41 * 41) 60;
  traced = a: b: builtins.trace [ a b ] (a < b);
  byKey = a: b: a.k < b.k;
in
{
  sorted = builtins.sort builtins.lessThan xs;
  sortedBig = builtins.sort builtins.lessThan big;
  desc = builtins.sort (a: b: a > b) xs;
  stable = builtins.sort byKey [
    { k = 2; v = "a"; } { k = 1; v = "b"; } { k = 2; v = "c"; } { k = 1; v = "d"; } { k = 0; v = "e"; }
  ];
  strings = builtins.sort builtins.lessThan [ "b" "a" "ab" "" "B" ];
  lists = builtins.sort builtins.lessThan [ [ 1 2 ] [ 1 ] [ 0 5 ] [ ] [ 1 1 9 ] ];
  mixedNumbers = builtins.sort builtins.lessThan [ 2 1.5 1 0.5 3 ];
  empty = builtins.sort throw [ ];
  one = builtins.sort throw [ 1 ];
  # the comparator's calls, in order, show on stderr
  order3 = builtins.sort traced [ 3 1 2 ];
  order20 = builtins.sort traced [ 5 3 9 1 5 7 2 8 6 4 0 11 15 13 12 14 10 19 17 18 ];
  order40 = builtins.sort traced (builtins.genList (i: (i * 7) - (i * 7) / 13 * 13) 40);
  orderRuns = builtins.sort traced (builtins.genList (i: if i < 25 then i else 60 - i) 40);
  orderDesc = builtins.sort traced (builtins.genList (i: 40 - i) 35);
  inconsistent = builtins.sort (a: b: true) [ 1 2 3 4 5 ];
}

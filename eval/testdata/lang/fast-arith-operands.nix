# Integer operators on evaluated operands are computed without suspending
# them; the results and the order operands are forced in must not change.
let
  f = n: m: [ (n - m) (n * m) (n / m) (n < m) (m < n) ];
  g = n: if n < 1 then [ ] else [ (n - 1) ] ++ g (n - 1);
  big = 9223372036854775807;
in f 7 (-2) ++ f (-7) 2 ++ g 3 ++ [ (big - 1) (big / -1) (1.5 - 1) (4 / 2.0) ]

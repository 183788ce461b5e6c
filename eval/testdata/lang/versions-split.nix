with builtins; map splitVersion [ "1.2.3" "2.3pre1" "" "..1--2.." "abc" "1a2b3" "2.3-rc1" "é1" ]

with builtins; [
  (split "(a)|(ab)" "xabx") (split "a*(ab)?" "aab") (split "x*" "abc") (split "" "abc") (split "^a" "aaa")
  (split "a$" "aaa") (split "(^a|b)" "aab") (split "(a{2,3})*" "aaaaaaa") (split "," "a,b,,c,")
  (split "(,)" "") (split "é" "aéb") (split "[é]" "é") (split "(|a)*" "aa") (split "(a?)*" "aa")
  (split "[[:space:]]+" "  foo  bar ") (split "(a)(b)?" "aab") (split "b*" "abba")
]

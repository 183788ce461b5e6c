with builtins; [
  (match "(a)|(ab)" "ab") (match "((a)|b)*" "ab") (match "(a*)*" "aaa") (match "(.*)-(.*)" "a-b-c")
  (match "(foo|foobar)(bar)?" "foobar") (match "[[:alpha:]_][[:alnum:]_]*" "foo_1") (match "[]a]+" "a]a")
  (match "[[.hyphen.]]" "-") (match "[[=a=]]+" "aAa") (match "a{2,3}" "aaaa") (match "(a|aa){2}" "aaa")
  (match "\\.\\*\\[" ".*[") (match "[\\]+" "\\\\") (match "a|" "") (match "()" "") (match "x" "X")
  (match ".*" "a\nb") (match "[^a]" "\n") (match "[[:SPACE:]]+" " \t") (match "é+" "éé") (match "[é]+" "é")
  (match "^a$" "a") (match "a^" "a") (match "(a)(b)?" "a") (match "a**" "aa") (match "a+?" "aa")
  (match "(^a|b)+" "ab") (match "[--0]+" "-./0") (match "a{0}" "") (match "(a{1,2}){2}" "aaa")
]

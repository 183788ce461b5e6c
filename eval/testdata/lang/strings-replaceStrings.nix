with builtins; [
  (replaceStrings ["oo" "a"] ["a" "i"] "foobar")
  (replaceStrings [""] ["X"] "abc")
  (replaceStrings ["" "b"] ["X" "Y"] "abc")
  (replaceStrings ["b" ""] ["Y" "X"] "abc")
  (replaceStrings [] [] "abc")
  (replaceStrings ["a"] [(throw "lazy")] "xyz")
  (replaceStrings ["aa" "a"] ["1" "2"] "aaa")
  (replaceStrings [""] [""] "")
  (replaceStrings [""] ["-"] "")
  (replaceStrings ["é"] ["e"] "café")
]

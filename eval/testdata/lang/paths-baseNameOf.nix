[
  (baseNameOf "/a/b/")
  (baseNameOf "/a/b")
  (baseNameOf "/")
  (baseNameOf "")
  (baseNameOf "a//")
  (baseNameOf "a")
  (baseNameOf ./paths-data/file)
  (baseNameOf /.)
  (baseNameOf { outPath = "/x/y"; })
  (baseNameOf { __toString = self: "/p/q/"; })
]

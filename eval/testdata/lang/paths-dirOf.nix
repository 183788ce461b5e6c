[
  (dirOf ./paths-data/file == ./paths-data)
  (dirOf /.)
  (dirOf /a)
  (dirOf /a/b)
  (dirOf "a")
  (dirOf "/a")
  (dirOf "a/b/")
  (dirOf "a//b")
  (dirOf "")
  (dirOf "/")
  (dirOf { outPath = "/x/y"; })
]

map builtins.readFileType [
  ./paths-data/file
  ./paths-data/sub
  ./paths-data/link
  ./paths-data/dirlink
  ./paths-data/broken
  ./paths-data/loop1
  "${toString ./paths-data}/sub/"
]

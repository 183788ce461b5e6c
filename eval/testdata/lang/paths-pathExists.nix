let
  d = toString ./paths-data;
in
map builtins.pathExists [
  ./paths-data/file
  ./paths-data/missing
  ./paths-data/broken
  ./paths-data/loop1
  ./paths-data/dirlink/inner
  "${d}/file"
  "${d}/file/"
  "${d}/file/."
  "${d}/sub/"
  "${d}/sub/."
  "${d}/dirlink/"
  "${d}/link/"
  "${d}/broken/"
  "${d}/sub/../file"
  "${d}/file/.."
  "${d}//sub//inner"
  { outPath = "${d}/file"; }
  "/"
]

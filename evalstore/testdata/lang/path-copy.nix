# Interpolating paths copies them to the store (here: only computes the
# path); the name is the base name, and a final symlink is kept.
{
  dir = "${./src}";
  file = "${./src/file}";
  exec = "${./src/script}";
  link = "${./src/link}";
  broken = "${./src/broken}";
  sub = "${./src/sub}/inner";
  ctx = builtins.getContext "${./src/file}";
  same = "${./src/file}" == "${./src/../src/file}";
}

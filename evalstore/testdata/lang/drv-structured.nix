let
  dep = derivation { name = "dep"; builder = "/bin/sh"; system = "x86_64-linux"; };
  d = derivation {
    name = "structured";
    builder = "/bin/sh";
    system = "x86_64-linux";
    __structuredAttrs = true;
    int = 1;
    float = 2.5;
    big = 1.0e20;
    small = 0.1;
    list = [ 1 "x" null true [ ] { } ];
    set = { b = "b"; a = { c = dep; }; };
    src = ./src/file;
    outputs = [ "out" "doc" ];
    str = { __toString = self: "via toString"; };
  };
in
[ d.drvPath d.outPath d.doc.outPath ]

# Deterministic derivations whose outputs real Nix 2.34 built for
# corpus.golden (see scripts/record-build-goldens). bb is busybox.
{ bb }:
let mk = name: script: attrs: derivation ({ inherit name; system = "x86_64-linux"; builder = "${bb}/bin/sh"; args = ["-c" script]; PATH = "${bb}/bin"; } // attrs);
  a = mk "c-a" "echo a > $out" {};
in [
  a
  (mk "c-dir" "mkdir -p $out/sub; echo x > $out/sub/f; ln -s f $out/sub/l; echo '#!/bin/sh' > $out/exe; chmod +x $out/exe" {})
  (mk "c-ref" "echo ${a} > $out" {})
  (mk "c-self" "echo $out > $out" {})
  (mk "c-multi" "echo $dev > $out; mkdir $dev; echo dev > $dev/o" { outputs = ["out" "dev"]; })
  (mk "c-paf" "cat $fooPath > $out" { passAsFile = ["foo"]; foo = "bar"; })
  (mk "c-sa" ''out=$(sed -n "s/.*\['out'\]='\([^']*\)'.*/\1/p" $NIX_ATTRS_SH_FILE); cat $NIX_ATTRS_JSON_FILE $NIX_ATTRS_SH_FILE > $out'' { __structuredAttrs = true; x = "hello"; n = 3; l = [1 "two"]; })
  (mk "c-chain" "cat ${mk "c-dep" "echo dep > $out" {}} > $out; echo ${a} >> $out" {})
  (mk "c-allowed" "echo ${a} > $out" { allowedReferences = [ a ]; })
]

/*
  Cairn's `derivation` builtin: a wrapper around derivationStrict that
  turns the set of output paths it returns into the familiar derivation
  value, one attribute set per output, each with outPath, drvPath,
  type = "derivation", outputName, the original attributes (drvAttrs),
  the other outputs by name and the list of all of them (all).

  The code below must keep Nix's text and line numbers: error traces
  show positions in «nix-internal»/derivation-internal.nix together
  with the lines around them, and those must be the same as Nix's.
  The evaluator loads this file with one newline in front, because Nix
  embeds it that way, so its first code line is line 30 in traces.

  This comment only fills the lines Nix's documentation comment takes.

  Forcing a derivation's outPath or drvPath calls derivationStrict,
  which checks the attributes, computes the .drv file and the output
  paths, and returns them with their string contexts.

  Nothing here is evaluated until a derivation is used, so evaluating
  `derivation` itself is cheap.

  See evalstore/derivation.go for derivationStrict.




*/
drvAttrs@{
  outputs ? [ "out" ],
  ...
}:

let

  strict = derivationStrict drvAttrs;

  commonAttrs =
    drvAttrs
    // (builtins.listToAttrs outputsList)
    // {
      all = map (x: x.value) outputsList;
      inherit drvAttrs;
    };

  outputToAttrListElement = outputName: {
    name = outputName;
    value = commonAttrs // {
      outPath = builtins.getAttr outputName strict;
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };

  outputsList = map outputToAttrListElement outputs;

in
(builtins.head outputsList).value

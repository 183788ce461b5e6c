(derivation {
  name = "w";
  builder = "/bin/sh";
  system = "x86_64-linux";
  __structuredAttrs = true;
  allowedReferences = [ ];
  maxSize = 1;
  disallowedRequisites = [ ];
}).drvPath

package eval

// globalNames are the names Nix 2.34 binds in the outermost scope: the
// builtins visible without `builtins.` (most with a "__" prefix), the
// constants true/false/null, and builtins itself.
var globalNames = []string{
	"__add", "__addDrvOutputDependencies", "__addErrorContext", "__all",
	"__any", "__appendContext", "__attrNames", "__attrValues", "__bitAnd",
	"__bitOr", "__bitXor", "__catAttrs", "__ceil", "__compareVersions",
	"__concatLists", "__concatMap", "__concatStringsSep", "__convertHash",
	"__currentSystem", "__currentTime", "__deepSeq", "__div", "__elem",
	"__elemAt", "__fetchurl", "__filter", "__filterSource", "__findFile",
	"__flakeRefToString", "__floor", "__foldl'", "__fromJSON", "__functionArgs",
	"__genList", "__genericClosure", "__getAttr", "__getContext", "__getEnv",
	"__getFlake", "__groupBy", "__hasAttr", "__hasContext", "__hashFile",
	"__hashString", "__head", "__intersectAttrs", "__isAttrs", "__isBool",
	"__isFloat", "__isFunction", "__isInt", "__isList", "__isPath",
	"__isString", "__langVersion", "__length", "__lessThan", "__listToAttrs",
	"__mapAttrs", "__match", "__mul", "__nixPath", "__nixVersion",
	"__parseDrvName", "__parseFlakeRef", "__partition", "__path",
	"__pathExists", "__readDir", "__readFile", "__readFileType",
	"__replaceStrings", "__seq", "__sort", "__split", "__splitVersion",
	"__storeDir", "__storePath", "__stringLength", "__sub", "__substring",
	"__tail", "__toFile", "__toJSON", "__toPath", "__toXML", "__trace",
	"__traceVerbose", "__tryEval", "__typeOf",
	"__unsafeDiscardOutputDependency", "__unsafeDiscardStringContext",
	"__unsafeGetAttrPos", "__warn", "__zipAttrsWith", "abort", "baseNameOf",
	"break", "builtins", "derivation", "derivationStrict", "dirOf", "false",
	"fetchGit", "fetchMercurial", "fetchTarball", "fetchTree", "fromTOML",
	"import", "isNull", "map", "null", "placeholder", "removeAttrs",
	"scopedImport", "throw", "toString", "true",
}

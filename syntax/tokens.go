package syntax

// Terminal symbols, numbered as Bison numbers Nix's grammar (order of first
// appearance in parser.y): the numbers order the "expecting" lists of
// syntax errors, so they must not be rearranged.
const (
	tEOF = iota
	tError
	tUndef
	tID
	tSTR
	tIndSTR
	tINT
	tFLOAT
	tPATH
	tHPATH
	tSPATH
	tPathEnd
	tURI
	tIF
	tTHEN
	tELSE
	tASSERT
	tWITH
	tLET
	tIN
	tREC
	tINHERIT
	tEQ
	tNEQ
	tLEQ
	tGEQ
	tUPDATE
	tCONCAT
	tAND
	tOR
	tIMPL
	tOrKW
	tPipeFrom
	tPipeInto
	tDollarCurly
	tIndOpen
	tIndClose
	tEllipsis
	tReplBindings
	tLT     // '<'
	tGT     // '>'
	tNOT    // precedence only
	tPlus   // '+'
	tMinus  // '-'
	tStar   // '*'
	tSlash  // '/'
	tQuest  // '?'
	tNEGATE // precedence only
	tColon  // ':'
	tAt     // '@'
	tSemi   // ';'
	tBang   // '!'
	tDot    // '.'
	tQuote  // '"'
	tLParen // '('
	tRParen // ')'
	tLBrace // '{'
	tRBrace // '}'
	tLBrack // '['
	tRBrack // ']'
	tAssign // '='
	tComma  // ','
	numTerminals
)

// terminalNames are Bison's display names, as they appear in messages.
var terminalNames = [numTerminals]string{
	tEOF: "end of file", tError: "error", tUndef: "invalid token",
	tID: "identifier", tSTR: "string", tIndSTR: "indented string",
	tINT: "integer", tFLOAT: "floating-point literal", tPATH: "path",
	tHPATH: "'~/…' path", tSPATH: "'<…>' path", tPathEnd: "end of path",
	tURI: "URI", tIF: "'if'", tTHEN: "'then'", tELSE: "'else'",
	tASSERT: "'assert'", tWITH: "'with'", tLET: "'let'", tIN: "'in'",
	tREC: "'rec'", tINHERIT: "'inherit'", tEQ: "'=='", tNEQ: "'!='",
	tLEQ: "'<='", tGEQ: "'>='", tUPDATE: "'//'", tCONCAT: "'++'",
	tAND: "'&&'", tOR: "'||'", tIMPL: "'->'", tOrKW: "'or'",
	tPipeFrom: "'<|'", tPipeInto: "'|>'", tDollarCurly: "'${'",
	tIndOpen: "start of an indented string", tIndClose: "end of an indented string",
	tEllipsis: "'...'", tReplBindings: "start of REPL bindings",
	tLT: "'<'", tGT: "'>'", tNOT: "NOT", tPlus: "'+'", tMinus: "'-'",
	tStar: "'*'", tSlash: "'/'", tQuest: "'?'", tNEGATE: "NEGATE",
	tColon: "':'", tAt: "'@'", tSemi: "';'", tBang: "'!'", tDot: "'.'",
	tQuote: "'\"'", tLParen: "'('", tRParen: "')'", tLBrace: "'{'",
	tRBrace: "'}'", tLBrack: "'['", tRBrack: "']'", tAssign: "'='",
	tComma: "','",
}

// charTokens maps the single characters the grammar uses to terminals;
// any other character the lexer passes through is an invalid token.
var charTokens = [256]int16{
	'<': tLT, '>': tGT, '+': tPlus, '-': tMinus, '*': tStar, '/': tSlash,
	'?': tQuest, ':': tColon, '@': tAt, ';': tSemi, '!': tBang, '.': tDot,
	'"': tQuote, '(': tLParen, ')': tRParen, '{': tLBrace, '}': tRBrace,
	'[': tLBrack, ']': tRBrack, '=': tAssign, ',': tComma,
}

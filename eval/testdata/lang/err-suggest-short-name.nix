let attrs = { A0 = { }; }; in attrs.B

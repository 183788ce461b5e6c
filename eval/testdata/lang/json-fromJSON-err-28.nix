builtins.fromJSON ''﻿[1]''

builtins.fromJSON ''"aÿb"''

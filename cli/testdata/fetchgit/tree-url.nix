builtins.fetchTree ("git+file://" + toString ./clean + "?ref=v1")

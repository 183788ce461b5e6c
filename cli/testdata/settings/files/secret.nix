"secret"

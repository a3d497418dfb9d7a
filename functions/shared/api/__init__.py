"""What every domain API Lambda shares, one concern per module: the resolver (`resolver`), requests
(`requests`), responses (`responses`), error mapping (`error_mapping`), middleware (`middleware`) and the
OpenAPI document (`openapi`)."""

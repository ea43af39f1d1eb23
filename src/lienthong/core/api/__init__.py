"""What every app's REST API shares: error answers and their schemas (`errors`, `schemas`),
serializer fields (`fields`), keyset pages (`pagination`) and query-string filters (`filters`).

The ground floor: nothing here imports a domain app; the router and URLs stay in
`lienthong.api`, the top layer."""

"""One router per resource; each route names the scope it requires."""

"""Tables: cells -> grids, the API's base64 Excel read back, and review workbooks written."""

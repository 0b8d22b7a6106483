"""Tables and spreadsheets.

- ``grid``: cells -> one grid DataFrame per table (span and header policies).
- ``numeric``: grid text to numbers (separators, currency, percent, Unicode digits).
- ``api_excel``: the API's Base64 workbooks decoded with bounds, read as frames, saved.
- ``workbook_scan``: the streaming check that refuses workbook bombs before openpyxl opens one.
- ``compare``: where the API's workbook and the JSON cells disagree.
- ``workbook``: the review workbook written from cells or grids.
- ``safe_output``: the one rule every CSV and xlsx writer applies to cell text.
"""

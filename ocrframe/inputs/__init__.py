"""Images and PDF pages in: one loader and one validator shared by the cloud client, the local
engine and the emulator."""

"""Huawei Cloud OCR over HTTPS: the Client, AK/SK and token auth, and the transport that owns
the one retry policy."""

"""Ministry systems reached through the NGSP gateway, one module or small package per system."""

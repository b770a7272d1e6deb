"""letopis/services"""

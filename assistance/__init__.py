"""County high school trusteeship programme: tracking and guidance dashboard library."""

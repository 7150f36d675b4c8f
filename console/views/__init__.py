"""The console's blueprints, one module per area of the console."""

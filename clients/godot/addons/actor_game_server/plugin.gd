@tool
extends EditorPlugin
# GameClient registers itself through its `class_name`, so it is in the Create Node dialog
# whether or not this plugin is enabled, and registering it again with add_custom_type would
# list it twice. The plugin exists so that the addon shows up, with its version, under
# Project > Project Settings > Plugins; it has nothing to set up or tear down.

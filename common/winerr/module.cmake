# Windows error tables (generated into winerr/tables.inc by winerr/gen_tables.py; committed).
seckit_module(winerr SOURCES winerr/winerr.cpp DEPS seckit::enc seckit::out fmt::fmt)

# common/http: incremental HTTP/1.x parser over reassembled TCP streams (sslvpn-trace, cbaudit).
seckit_module(http SOURCES http/http.cpp DEPS seckit::bytes fmt::fmt)

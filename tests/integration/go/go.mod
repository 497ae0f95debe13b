module lxzone.test/gowork

go 1.19

DEPENDS += "acl attr"

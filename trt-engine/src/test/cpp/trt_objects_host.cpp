// Stand-ins with TensorRT 10's class shape, for TrtObjectsTest: INoCopy declares only a virtual
// destructor, a public interface may add a virtual function after it, and the factory returns a
// library-internal subclass as the interface pointer.
#include <new>

namespace {
int destroyed = 0;
int freed = 0;

class INoCopy {
public:
    virtual ~INoCopy() = default;
};

class IBuilderConfig : public INoCopy {
public:
    virtual int extra() { return 1; }
protected:
    void* mImpl = nullptr;
};

class BuilderConfigImpl : public IBuilderConfig {
public:
    ~BuilderConfigImpl() override { destroyed++; }
    // only the deleting destructor frees memory: counts that it, not the complete-object one, ran
    static void operator delete(void* p) {
        freed++;
        ::operator delete(p);
    }
    int payload[64] = {};
};
}

extern "C" void* trt_objects_make() {
    return static_cast<IBuilderConfig*>(new BuilderConfigImpl());
}

extern "C" int trt_objects_destroyed() {
    return destroyed;
}

extern "C" int trt_objects_freed() {
    return freed;
}

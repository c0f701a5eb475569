pipeline {
    agent any
    stages {
        steps {
            echo 'hi'
        }
    }
}

pipeline {
    agent any
    stages {
        stage('a') {
            failFast 'yes'
            parallel {
                stage('b') {
                    steps {
                        echo 'b'
                    }
                }
            }
        }
    }
}

pipeline {
    agent any
    libraries {
        'my-lib@1.0'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}

pipeline {
    agent none
    stages {
        stage('a') {
            matrix {
                axes {
                    axis {
                        name 'OS'
                        values 'linux', 'mac'
                    }
                }
                excludes {
                    exclude {
                        axis {
                            name 'OS'
                            values 'linux'
                            notValues 'mac'
                        }
                    }
                }
                stages {
                    stage('b') {
                        steps {
                            echo 'b'
                        }
                    }
                }
            }
        }
    }
}
